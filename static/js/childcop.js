// childcop's own small scripts. A filter box for long multi-selects (e.g. attendees).
(function () {
  document.querySelectorAll("select[data-filterable]").forEach(function (select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "form-control form-control-sm mb-1";
    box.placeholder = "Type to filter…";
    box.setAttribute("aria-label", "Filter the list " + (select.labels[0] ? select.labels[0].textContent.trim() : ""));
    box.setAttribute("aria-controls", select.id);
    select.parentNode.insertBefore(box, select);
    var count = document.createElement("div");
    count.className = "form-text";
    count.setAttribute("aria-live", "polite");
    select.parentNode.insertBefore(count, select.nextSibling);
    function update() {
      var chosen = select.selectedOptions.length;
      count.textContent = chosen + " chosen";
    }
    box.addEventListener("input", function () {
      var needle = box.value.trim().toLowerCase();
      Array.prototype.forEach.call(select.options, function (option) {
        option.hidden = needle !== "" && option.text.toLowerCase().indexOf(needle) === -1 && !option.selected;
      });
    });
    select.addEventListener("change", update);
    update();
  });
})();
