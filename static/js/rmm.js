// RMM's only script (the Content-Security-Policy forbids inline scripts): asks for confirmation
// before an irreversible action. A button or form with data-confirm="question" shows it.
document.addEventListener("click", function (event) {
  var target = event.target.closest("[data-confirm]");
  if (target && !window.confirm(target.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});
