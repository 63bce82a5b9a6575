// One Idempotency-Key per order the shopper means to place: the same checkout retried (a timeout,
// a double tap) sends the same key, so the API places it once; a changed checkout gets a new key.
export function newKey() {
  const random = Array.from({ length: 4 }, () => Math.random().toString(36).slice(2, 8)).join('')
  return `mp-${Date.now().toString(36)}-${random}`.slice(0, 64)
}

export function keyFor(previous, body) {
  const signature = JSON.stringify(body)
  return previous && previous.signature === signature ? previous : { signature, key: newKey() }
}
