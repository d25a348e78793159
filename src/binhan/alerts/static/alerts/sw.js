// The service worker for Web Push: shows the alert, and opens it in the inbox when tapped.
self.addEventListener("push", (event) => {
  let data = {};
  try { data = event.data ? event.data.json() : {}; } catch (error) { data = { title: event.data.text() }; }
  event.waitUntil(self.registration.showNotification(data.title || "Bình An", {
    body: data.body || "", data: { url: data.url || "/alerts/inbox/" },
    requireInteraction: data.severity === "extreme", tag: data.url,
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(clients.openWindow(event.notification.data.url));
});
