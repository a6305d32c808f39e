// A share link's page: "copy link" puts the address on the clipboard and says so (no inline script under our CSP).
(function () {
  "use strict";
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = button.parentElement.querySelector("[data-copy-status]");
    function say(text) {
      if (status) {
        status.textContent = text;
      }
    }
    function copiedByHand() {
      // Older browsers, or a page not served over https: select the text and ask the browser to copy it.
      field.focus();
      field.select();
      field.setSelectionRange(0, field.value.length);
      try {
        return document.execCommand("copy");
      } catch (error) {
        return false;
      }
    }
    button.addEventListener("click", function () {
      var done = function () { say(button.getAttribute("data-copied")); };
      var failed = function () { say(copiedByHand() ? button.getAttribute("data-copied") : button.getAttribute("data-copy-failed")); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, failed);
      } else {
        failed();
      }
    });
  });
})();
