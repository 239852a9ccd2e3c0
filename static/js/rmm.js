// RMM's only script (the Content-Security-Policy forbids inline scripts): asks for confirmation
// before an irreversible action. A button or form with data-confirm="question" shows it.
document.addEventListener("click", function (event) {
  var target = event.target.closest("[data-confirm]");
  if (target && !window.confirm(target.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});

// A page that comes back with errors moves the focus to their summary (the element also carries
// `autofocus`, for browsers that honour it without this script).
(function () {
  var summary = document.querySelector("[data-focus-on-load]");
  if (summary && document.activeElement !== summary) {
    summary.focus();
  }
})();
