// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // A language picker submits as soon as a language is chosen.
  document.querySelectorAll("form[data-autosubmit]").forEach((form) => {
    form.querySelector("[data-autosubmit-button]")?.classList.add("d-none");
    form.querySelectorAll("select").forEach((select) => {
      select.addEventListener("change", () => form.submit());
    });
  });

  // Progress bars take their width from data-progress (no inline styles under our CSP).
  document.querySelectorAll("[data-progress]").forEach((bar) => {
    bar.style.width = `${bar.dataset.progress}%`;
  });

  // Deadlines also in the visitor's own time zone, as their browser knows it.
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && zone !== "Asia/Seoul") {
    document.querySelectorAll("time[data-local-time]").forEach((time) => {
      if (time.parentElement.querySelector(`[data-zone="${zone}"]`)) return;
      const local = new Date(time.getAttribute("datetime")).toLocaleString(undefined, {
        day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit",
        timeZoneName: "short",
      });
      const line = document.createElement("span");
      line.className = "d-block small text-muted";
      line.dataset.localTimeShown = "";
      line.textContent = `${local} (${zone})`;
      time.after(line);
    });
  }

  // Live word counts under every text with a limit.
  document.querySelectorAll("textarea[data-word-limit]").forEach((area) => {
    const limit = Number(area.dataset.wordLimit);
    const counter = document.createElement("div");
    counter.className = "form-text";
    counter.setAttribute("aria-live", "polite");
    const update = () => {
      const words = area.value.trim() ? area.value.trim().split(/\s+/).length : 0;
      counter.textContent = `${words} / ${limit} ${area.dataset.wordLabel || "words"}`;
      counter.classList.toggle("text-danger", words > limit);
      counter.classList.toggle("fw-semibold", words > limit);
    };
    area.after(counter);
    area.addEventListener("input", update);
    update();
  });

  // A print button for printable forms.
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });

  // A workbook being built: look again every few seconds until it is ready or failed.
  if (document.querySelector("[data-export-pending]")) {
    setTimeout(() => window.location.reload(), 3000);
  }
});
