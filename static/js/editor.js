// Progressive enhancement of the measure editor. The page works without this file:
// removal checkboxes then take effect on save, and "Summen berechnen" recalculates.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // The status line of the table a row belongs to (costs and financing, or indicators).
  function statusLine(row) {
    var table = row && row.closest("[data-rows]");
    return (table && table.querySelector("[data-row-status]")) || document.getElementById("row-status");
  }

  function status(text, undoRow) {
    var line = statusLine(undoRow);
    if (!line) return;
    line.textContent = text + " ";
    if (undoRow) {
      var undo = document.createElement("button");
      undo.type = "button";
      undo.className = "button button--small";
      undo.textContent = line.dataset.undoLabel || "Rückgängig";
      undo.addEventListener("click", function () {
        var box = undoRow.querySelector("[data-remove-row]");
        box.checked = false;
        undoRow.classList.remove("row--deleted");
        box.dispatchEvent(new Event("change", { bubbles: true }));
        line.textContent = "";
        box.focus();
      });
      line.appendChild(undo);
    }
  }

  // Removing a row hides it at once (the checkbox stays in the form), offers an undo, and the
  // change event bubbles to the money section, which recalculates the totals.
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("[data-remove-row]") || !box.checked) return;
    var row = box.closest("tr");
    if (!row) return;
    row.classList.add("row--deleted");
    var line = statusLine(row);
    status((line && line.dataset.removedLabel) || "", row);
  });
})();
