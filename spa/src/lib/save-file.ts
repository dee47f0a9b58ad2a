/**
 * Hands a downloaded file to the browser under `fileName`. Files are fetched through the API
 * client rather than followed as links, so an expired access cookie is refreshed and a refusal
 * arrives as a French problem, not a raw page.
 */
export function saveFile(blob: Blob, fileName: string): string {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // Give the browser time to start the download before the object URL goes.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return fileName;
}
