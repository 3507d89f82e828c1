/* The bell's live updates (tenant_apps/realtime). The bell carries data-live-url (built by the server
   from the page's own host); a message "notification.new" sets the unread badge and, on the
   notifications page, puts the new one on top of the list. Lost sockets reconnect with backoff
   (1 s doubling to 60 s); code 4401/4403 (not signed in, refused) stops trying. Whatever happens
   here, the badge's HTMX polling every 30 s stays on: it is the fallback and corrects any drift. */
(function () {
  var bell = document.querySelector("[data-live-url]");
  if (!bell || !("WebSocket" in window)) { return; }
  var url = bell.getAttribute("data-live-url"), delay = 1000, MAX_DELAY = 60000;

  function setCount(count) {
    var badge = document.getElementById("notification-badge");  // HTMX swaps it: look it up each time
    if (!badge) { return; }
    badge.textContent = "";
    if (count > 0) {
      badge.appendChild(document.createTextNode(String(count)));
      var hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      hidden.textContent = " unread";
      badge.appendChild(hidden);
      badge.classList.add("warn");
    } else {
      badge.classList.remove("warn");
    }
  }

  function prepend(n) {
    var list = document.getElementById("notification-list");
    if (!list || !n || !n.id || document.getElementById("notification-" + n.id)) { return; }
    Array.prototype.forEach.call(list.querySelectorAll("li:not([id])"), function (li) { li.remove(); });  // "No notifications yet."
    var li = document.createElement("li"), title = document.createElement("strong"),
        when = document.createElement("small"), body = document.createElement("p");
    li.className = "card unread";
    li.id = "notification-" + n.id;
    title.textContent = n.title || "";
    when.textContent = "just now";
    body.textContent = n.body || "";
    li.appendChild(title);
    li.appendChild(document.createTextNode(" "));
    li.appendChild(when);
    li.appendChild(body);
    if (n.url && n.url.charAt(0) === "/" && n.url.charAt(1) !== "/") {
      var open = document.createElement("a");
      open.href = n.url;
      open.className = "btn small";
      open.textContent = "Open";
      li.appendChild(open);
    }
    list.insertBefore(li, list.firstChild);
  }

  function connect() {
    var socket;
    try { socket = new WebSocket(url); } catch (e) { return; }  // blocked or malformed: polling remains
    socket.onopen = function () { delay = 1000; bell.setAttribute("data-live", "on"); };
    socket.onmessage = function (event) {
      var message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      if (message.type !== "notification.new") { return; }
      if (typeof message.unread === "number") { setCount(message.unread); }
      prepend(message.notification);
    };
    socket.onclose = function (event) {
      bell.removeAttribute("data-live");
      if (event.code === 4401 || event.code === 4403) { return; }
      var wait = delay + Math.floor(Math.random() * delay / 2);
      delay = Math.min(delay * 2, MAX_DELAY);
      window.setTimeout(connect, wait);
    };
  }

  connect();
})();
