// Repeatable rows (a campaign's phases, a city's policy documents): "add a row" and "drop this row" act in
// place. Without JavaScript the same buttons submit the form and the server redraws the rows as typed; here
// they are intercepted, a new row is cloned from the fieldset's <template> (its __index__ made unique) and a
// dropped row is removed (the last one is emptied instead). Nothing is saved until the form's save button.
(function () {
  "use strict";

  function nextIndex(list, name) {
    var pattern = new RegExp("^" + name + "-(\\d+)-");
    var highest = -1;
    Array.prototype.forEach.call(list.querySelectorAll("[name]"), function (input) {
      var found = pattern.exec(input.getAttribute("name"));
      if (found) {
        highest = Math.max(highest, parseInt(found[1], 10));
      }
    });
    return highest + 1;
  }

  function firstInput(row) {
    return row.querySelector("input, select, textarea");
  }

  function attach(fieldset) {
    var name = fieldset.getAttribute("data-rows");
    var list = fieldset.querySelector("[data-rows-list]");
    var template = fieldset.querySelector("template[data-row-template]");
    if (!list || !template) {
      return;
    }
    fieldset.addEventListener("click", function (event) {
      var add = event.target.closest("[data-add-row]");
      var drop = event.target.closest("[data-drop-row]");
      if (add) {
        event.preventDefault();
        var html = template.innerHTML.replace(/__index__/g, String(nextIndex(list, name)));
        list.insertAdjacentHTML("beforeend", html);
        var added = list.lastElementChild;
        if (added && firstInput(added)) {
          firstInput(added).focus();
        }
      } else if (drop) {
        event.preventDefault();
        var row = drop.closest("[data-row]");
        var rows = list.querySelectorAll("[data-row]");
        if (rows.length > 1) {
          var next = row.nextElementSibling || row.previousElementSibling;
          row.parentNode.removeChild(row);
          if (next && firstInput(next)) {
            firstInput(next).focus();
          }
        } else {
          Array.prototype.forEach.call(row.querySelectorAll("input, textarea"), function (input) { input.value = ""; });
          if (firstInput(row)) {
            firstInput(row).focus();
          }
        }
      }
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-rows]"), attach);
})();
