/* A search box above every long list of checkboxes (<fieldset data-picker>): typing narrows
   the list to the choices whose label contains every word; ticked choices always stay. The
   full list works without JavaScript. */
(function () {
  "use strict";
  var lang = document.documentElement.lang || "sv";
  var TEXT = lang === "sv"
    ? { label: "Sök i listan", count: function (n) { return n + " visas"; } }
    : { label: "Search the list", count: function (n) { return n + " shown"; } };

  function setUp(fieldset, index) {
    var choices = Array.prototype.slice.call(fieldset.querySelectorAll(".choice"));
    var wrap = document.createElement("div");
    wrap.className = "picker-search";
    var id = "picker-" + index;
    var label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = TEXT.label;
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.autocomplete = "off";
    var status = document.createElement("span");
    status.className = "help";
    status.setAttribute("aria-live", "polite");
    wrap.appendChild(label);
    wrap.appendChild(input);
    wrap.appendChild(status);
    var list = fieldset.querySelector(".choices__list");
    fieldset.insertBefore(wrap, list);
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      choices.forEach(function (choice) {
        var text = choice.textContent.toLowerCase();
        var box = choice.querySelector("input");
        var match = box.checked || words.every(function (w) { return text.indexOf(w) !== -1; });
        choice.hidden = !match;
        if (match) { shown += 1; }
      });
      status.textContent = words.length ? TEXT.count(shown) : "";
    });
  }

  var count = 0;
  function setUpWithin(root) {
    Array.prototype.forEach.call(root.querySelectorAll("fieldset[data-picker]"), function (f) {
      if (f.dataset.pickerReady) { return; }
      f.dataset.pickerReady = "1";
      count += 1;
      setUp(f, count);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { setUpWithin(document); });
  // content htmx swaps in (the participant picker after the unit is chosen)
  document.addEventListener("htmx:load", function (event) {
    var root = event.detail && event.detail.elt;
    if (root && root.querySelectorAll) { setUpWithin(root.parentNode || root); }
  });
}());
