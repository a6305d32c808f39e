// Searchable pickers: every <input data-picker="occupation|city"> gets a native datalist that fills with
// what the registry holds as the person types a name or a code (browsers show it as an accessible combobox).
// Without JavaScript the field still takes a code or an exact name; the server resolves either.
(function () {
  "use strict";
  var SOURCES = { occupation: "/pickers/occupations", city: "/pickers/cities", worker: "/pickers/workers",
                  institution: "/pickers/institutions" };
  // A worker is looked up by name only (an ID number typed into the field goes with the form), and the name is
  // posted: names never travel in URLs, which proxies and logs keep.
  var NAMES_ONLY = { worker: true };
  var token = document.querySelector('meta[name="csrf-token"]');

  function ask(kind, source, term) {
    if (NAMES_ONLY[kind]) {
      return fetch(source, { method: "POST", credentials: "same-origin",
                             headers: { Accept: "application/json", "X-CSRFToken": token ? token.content : "" },
                             body: new URLSearchParams({ q: term }) });
    }
    return fetch(source + "?q=" + encodeURIComponent(term), { credentials: "same-origin", headers: { Accept: "application/json" } });
  }

  function attach(input, index) {
    var source = SOURCES[input.getAttribute("data-picker")];
    if (!source) {
      return;
    }
    var list = document.createElement("datalist");
    list.id = "picker-" + index + "-" + input.id;
    input.parentNode.insertBefore(list, input.nextSibling);
    input.setAttribute("list", list.id);
    var timer = null;
    var asked = "";
    function search() {
      var term = input.value.trim();
      if (term === asked || term.length === 0 || (NAMES_ONLY[input.getAttribute("data-picker")] && /\d/.test(term))) {
        return;
      }
      clearTimeout(timer);
      timer = setTimeout(function () {
        asked = term;
        ask(input.getAttribute("data-picker"), source, term)
          .then(function (response) { return response.ok ? response.json() : []; })
          .then(function (items) {
            list.textContent = "";
            items.forEach(function (item) {
              var option = document.createElement("option");
              option.value = item.value;
              option.label = item.label;
              option.textContent = item.label;
              list.appendChild(option);
            });
          })
          .catch(function () { /* the field still takes a code or a name */ });
      }, 150);
    }
    input.addEventListener("input", search);
    // What was typed before this script ran (a slow phone) or restored by the browser is searched at once.
    if (input.value.trim() !== "") {
      search();
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll("input[data-picker]"), attach);
})();
