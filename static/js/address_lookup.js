// The dream form's "Zoek adres" (issue 18). Without JavaScript it is a submit button that
// sends the whole form to the lookup, so nothing typed is lost. With htmx it answers the
// click itself; then the button need not submit, and must not: the first submit button is
// the form's default, and Enter in any field would look up the address instead of handing
// in the dream. Enter in the lookup's own fields still looks the address up.
if (window.htmx) {
  document.querySelectorAll("button[data-address-lookup]").forEach((button) => {
    button.type = "button";
    button.closest("fieldset").addEventListener("keydown", (event) => {
      if (event.key === "Enter" && event.target.matches("input")) {
        event.preventDefault();
        button.click();
      }
    });
  });
}
