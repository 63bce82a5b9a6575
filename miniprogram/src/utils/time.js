// Times arrive in UTC (ISO 8601); the shop shows them in Beijing time, whatever the phone's zone.
export function beijingTime(iso) {
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) return '—'
  const d = new Date(ms + 8 * 3600 * 1000)
  const two = (n) => String(n).padStart(2, '0')
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`
}
