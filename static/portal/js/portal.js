// Project behaviour. No inline scripts anywhere (CSP): everything lives in files like this one.
document.addEventListener("DOMContentLoaded", function () {
  // After a form is sent back with errors, move focus to the summary so screen readers announce it.
  var summary = document.querySelector(".portal-error-summary");
  if (summary) {
    summary.focus();
  }
});
