/* "Add a budget row" on the application form: copies the formset's empty row into the
   page and counts it in TOTAL_FORMS. Without JavaScript the button stays hidden and the
   form offers four empty rows each time it is opened. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("add-budget-row");
    var template = document.getElementById("budget-row-template");
    var rows = document.getElementById("budget-rows");
    var total = document.getElementById("id_budget-TOTAL_FORMS");
    var max = document.getElementById("id_budget-MAX_NUM_FORMS");
    if (!button || !template || !rows || !total) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      if (max && index >= parseInt(max.value, 10)) { return; }
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var row = holder.firstElementChild;
      row.setAttribute("aria-label", row.getAttribute("aria-label") + " " + (index + 1));
      rows.appendChild(row);
      total.value = String(index + 1);
      var first = row.querySelector("select, input");
      if (first) { first.focus(); }
    });
  });
}());
