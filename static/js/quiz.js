/* Quiz attempt page: the countdown (submits when time is up) and the autosave error message. */
(function () {
  var form = document.getElementById("quiz-form");
  if (form) {
    form.addEventListener("htmx:responseError", function () {
      document.getElementById("autosave").textContent = "Not saved. Check your connection, or use Save answers.";
    });
  }
  var el = document.getElementById("quiz-timer");
  if (!el || !el.dataset.seconds) return;
  var left = parseInt(el.dataset.seconds, 10), end = Date.now() + left * 1000;
  function show(s) {
    var m = Math.floor(s / 60), r = s % 60, h = Math.floor(m / 60);
    el.textContent = (h ? h + ":" + String(m % 60).padStart(2, "0") : m) + ":" + String(r).padStart(2, "0");
  }
  var timer = setInterval(function () {
    var s = Math.max(0, Math.round((end - Date.now()) / 1000)); show(s);
    if (s === 0) { clearInterval(timer); form.submit(); }
  }, 1000);
})();
