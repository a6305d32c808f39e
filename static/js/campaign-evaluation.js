// The evaluation report's "print" button: the browser's print dialog, with the A4 print style of
// static/css/campaign-evaluation.css (no inline script under our CSP).
document.querySelectorAll("[data-print-report]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
