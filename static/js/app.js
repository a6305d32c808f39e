// Every page: after a refused form, move focus to the summary of its errors (or to the error message when
// the refusal has no field), so that keyboard and screen-reader users land where the problem is explained.
(function () {
  "use strict";
  var target = document.getElementById("error-summary") || document.querySelector(".flash--error");
  if (target) {
    target.focus();
  }
})();
