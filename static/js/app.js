// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // A language picker submits as soon as a language is chosen.
  document.querySelectorAll("form[data-autosubmit]").forEach((form) => {
    form.querySelector("[data-autosubmit-button]")?.classList.add("d-none");
    form.querySelectorAll("select").forEach((select) => {
      select.addEventListener("change", () => form.submit());
    });
  });
});
