/* Time spent (visible time only) and video position, posted to the progress API every 10 s,
   when the video pauses and when the page is hidden. The page works without it. */
(function () {
  var root = document.getElementById("player");
  if (!root || !window.fetch || !window.JSON) return;
  var url = root.getAttribute("data-progress-url"), csrf = root.getAttribute("data-csrf");
  var video = root.querySelector("video[data-track]");
  var spent = 0, since = document.visibilityState === "hidden" ? null : Date.now(), lastPosition = null;

  function accrue() {
    if (since !== null) { var now = Date.now(); spent += (now - since) / 1000; since = now; }
  }
  function send(keepalive, force) {
    accrue();
    var whole = Math.min(3600, Math.floor(spent));
    var body = {time_spent_seconds: whole};
    if (video) { body.video_position_seconds = Math.floor(video.currentTime || 0); }
    if (!force && whole < 1 && (!video || body.video_position_seconds === lastPosition)) return;
    spent -= whole;
    if (video) { lastPosition = body.video_position_seconds; }
    fetch(url, {
      method: "POST", credentials: "same-origin", keepalive: !!keepalive,
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf}, body: JSON.stringify(body)
    }).catch(function () {});
  }
  if (video) {
    var start = parseInt(video.getAttribute("data-start"), 10) || 0;
    lastPosition = start;
    video.addEventListener("loadedmetadata", function () {
      if (start > 0 && (!video.duration || start < video.duration - 1)) { video.currentTime = start; }
    });
    video.addEventListener("pause", function () { send(false, false); });
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { send(true, false); since = null; }
    else { since = Date.now(); }
  });
  window.addEventListener("pagehide", function () { send(true, false); });
  setInterval(function () { send(false, false); }, 10000);
  send(false, true);  /* remembers this item for "resume" */
})();
