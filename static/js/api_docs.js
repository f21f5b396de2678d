/* The open data API's Swagger UI (/api/v1/docs): what it leaves out for keyboard and screen
   reader users, added as it draws its parts. A parameter's field gets the parameter's name as
   its label, a copy button a name, and a scrolling example can be reached with the keyboard
   (WCAG 2.1.1, 4.1.2). */
(function () {
  function mend(root) {
    root.querySelectorAll("tr[data-param-name] select:not([aria-label])").forEach(function (select) {
      select.setAttribute("aria-label", select.closest("tr").dataset.paramName);
    });
    root.querySelectorAll("tr[data-param-name] input:not([aria-label])").forEach(function (input) {
      input.setAttribute("aria-label", input.closest("tr").dataset.paramName);
    });
    root.querySelectorAll(".copy-to-clipboard button:not([aria-label])").forEach(function (button) {
      button.setAttribute("aria-label", "Copy");
    });
    root.querySelectorAll(".microlight:not([tabindex])").forEach(function (code) {
      code.setAttribute("tabindex", "0");
    });
  }
  new MutationObserver(function () {
    mend(document);
  }).observe(document.body, { childList: true, subtree: true });
})();
