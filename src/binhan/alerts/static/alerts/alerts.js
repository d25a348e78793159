// Alerts: the app badge follows the unread count, and the browser-notification button subscribes to Web Push.
(() => {
  "use strict";

  function updateBadge() {
    const holder = document.querySelector("[data-unread]");
    if (!holder || !("setAppBadge" in navigator)) return;
    const unread = parseInt(holder.dataset.unread || "0", 10);
    (unread > 0 ? navigator.setAppBadge(unread) : navigator.clearAppBadge()).catch(() => {});
  }

  function urlBase64ToUint8Array(base64) {
    const padding = "=".repeat((4 - (base64.length % 4)) % 4);
    const raw = atob((base64 + padding).replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from([...raw].map((c) => c.charCodeAt(0)));
  }

  async function subscribePush(button) {
    const status = document.querySelector("[data-push-status]");
    const say = (text) => { if (status) status.textContent = text; };
    if (!("serviceWorker" in navigator) || !("PushManager" in window)) {
      say(button.dataset.unsupported || "This browser cannot show notifications.");
      return;
    }
    const registration = await navigator.serviceWorker.register(button.dataset.swUrl, { scope: "/alerts/" });
    const subscription = await registration.pushManager.subscribe({
      userVisibleOnly: true, applicationServerKey: urlBase64ToUint8Array(button.dataset.vapidKey),
    });
    const token = document.querySelector("input[name=csrfmiddlewaretoken]");
    const response = await fetch(button.dataset.pushUrl, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(subscription.toJSON()),
      headers: { "Content-Type": "application/json", "X-CSRFToken": token ? token.value : "" },
    });
    const body = await response.json().catch(() => ({}));
    say(body.detail || "");
  }

  document.addEventListener("DOMContentLoaded", () => {
    updateBadge();
    document.body.addEventListener("htmx:afterSwap", updateBadge);
    for (const button of document.querySelectorAll("[data-push-subscribe]")) {
      button.addEventListener("click", () => subscribePush(button).catch((error) => {
        const status = document.querySelector("[data-push-status]");
        if (status) status.textContent = String(error);
      }));
    }
  });
})();
