// The call sheet's Print button: shown and bound only when this script runs (no inline JS).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.classList.remove("d-none");
    button.addEventListener("click", () => window.print());
  });
  document.querySelectorAll("[data-print-hint]").forEach((hint) => hint.classList.add("d-none"));
});
