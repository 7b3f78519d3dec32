/** An instant from the API in the browser's time zone, or `fallback` when there is none. */
export function When({
  iso,
  fallback = "—",
}: {
  iso: string | null | undefined;
  fallback?: string;
}) {
  if (!iso) return <>{fallback}</>;
  return <time dateTime={iso}>{new Date(iso).toLocaleString()}</time>;
}
