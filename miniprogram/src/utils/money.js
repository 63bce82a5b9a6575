// Amounts arrive in fen (integers); the shop shows yuan with two decimals.
export function yuan(fen) {
  const n = Number(fen)
  if (!Number.isInteger(n)) return '—'
  const sign = n < 0 ? '-' : ''
  const abs = Math.abs(n)
  return `${sign}¥${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}

export function priceRange(min, max) {
  return min === max ? yuan(min) : `${yuan(min)} - ${yuan(max).slice(1)}`
}
