// The campaign's cities: a box to find a city in the list, and (for the ministry) a city picked from the
// searchable list (static/js/pickers.js fills it) joins the list at once, ticked, to be saved with the others.
// Without JavaScript the picker field still takes one or several names or codes and the server adds them.
(function () {
  "use strict";

  var holder = document.querySelector("[data-city-rows]");
  var body = holder && holder.querySelector("tbody");
  var wrap = document.querySelector("[data-city-filter-wrap]");
  var filter = document.getElementById("city-filter");
  if (!body) {
    return;
  }

  if (wrap && filter) {
    wrap.hidden = false;
    filter.addEventListener("input", function () {
      var term = filter.value.trim().toLowerCase();
      Array.prototype.forEach.call(body.querySelectorAll("tr[data-city]"), function (row) {
        row.hidden = term !== "" && row.getAttribute("data-search").toLowerCase().indexOf(term) === -1;
      });
    });
  }

  var add = document.getElementById("add");
  if (!add) {
    return;
  }

  function cell(content) {
    var td = document.createElement("td");
    if (content) {
      td.appendChild(content);
    }
    return td;
  }

  function text(value, tag) {
    var element = document.createElement(tag || "span");
    element.textContent = value;
    return element;
  }

  function addRow(code, label) {
    var existing = body.querySelector('tr[data-city="' + code + '"]');
    if (existing) {
      var box = existing.querySelector("input[type=checkbox]");
      if (box) {
        box.checked = true;
      }
      existing.hidden = false;
      return;
    }
    var empty = body.querySelector("td[colspan]");
    if (empty) {
      empty.parentNode.parentNode.removeChild(empty.parentNode);
    }
    var row = document.createElement("tr");
    row.setAttribute("data-city", code);
    row.setAttribute("data-search", label);
    var checkbox = document.createElement("input");
    checkbox.type = "checkbox";
    checkbox.name = "cities";
    checkbox.value = code;
    checkbox.id = "city-" + code;
    checkbox.checked = true;
    var name = text(label.replace(/^\d{4}\s*/, ""), "label");
    name.setAttribute("for", checkbox.id);
    var nameCell = cell(name);
    var badge = text(holder.getAttribute("data-pending") || "", "span");
    badge.className = "badge badge--review";
    nameCell.appendChild(document.createTextNode(" "));
    nameCell.appendChild(badge);
    var pick = cell(checkbox);
    pick.className = "pick";
    row.appendChild(pick);
    row.appendChild(nameCell);
    row.appendChild(cell(text(code, "code")));
    row.appendChild(cell(null));
    row.appendChild(cell(null));
    row.appendChild(cell(null));
    body.insertBefore(row, body.firstChild);
  }

  function picked() {
    var value = add.value.trim();
    if (!/^\d{4}$/.test(value)) {
      return;
    }
    var list = add.list;
    var option = list && Array.prototype.find.call(list.options, function (o) { return o.value === value; });
    if (!option) {
      return;
    }
    var label = option.label || option.textContent || value;
    addRow(value, label);
    add.value = "";
    var status = document.getElementById("picked-status");
    if (status) {
      status.textContent = (status.getAttribute("data-template") || "%s").replace("%s", label);
    }
  }

  add.addEventListener("input", picked);
  add.addEventListener("change", picked);
})();
