/* Site-wide behaviour, kept out of the pages so the Content-Security-Policy needs no inline script.
   data-confirm="…" on a form or a submit button asks before submitting. */
(function () {
  document.addEventListener("submit", function (event) {
    var button = event.submitter, form = event.target;
    var message = (button && button.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  }, true);
})();
