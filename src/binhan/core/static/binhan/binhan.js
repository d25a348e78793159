// Small behaviours that keep the pages free of inline scripts (the content-security policy forbids them).
document.addEventListener("DOMContentLoaded", () => {
  document.documentElement.classList.add("js");
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form.requestSubmit());
  }
  // Live regions: show a small notice when the event stream drops and when it comes back.
  document.body.addEventListener("htmx:sseError", () => toggleLiveNotice(true));
  document.body.addEventListener("htmx:sseOpen", () => toggleLiveNotice(false));
});

function toggleLiveNotice(lost) {
  for (const notice of document.querySelectorAll("[data-live-notice]")) {
    notice.hidden = !lost;
  }
}
