// Subject-access export page: while a worker builds the archive, fetch this same page every two seconds and swap
// in its progress block (the page works without this: it has a refresh link). Reloads once the export is done.
const block = document.getElementById("export-progress");
const url = block && block.dataset.poll;
if (url) {
  const poll = async () => {
    try {
      const response = await fetch(url, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" });
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.getElementById("export-progress");
      if (!fresh) return;
      if (!fresh.dataset.poll) {
        window.location.reload();
        return;
      }
      block.innerHTML = fresh.innerHTML;
    } catch (error) {
      // A failed poll is tried again on the next tick.
    }
    window.setTimeout(poll, 2000);
  };
  window.setTimeout(poll, 2000);
}
