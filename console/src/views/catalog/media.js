// Product images (docs/media.md): POST /admin/uploads for a presigned S3 POST, the file posted
// with XHR progress, then the 240 px thumbnail the thumbnails function makes once it has checked
// the file (an image that is not what it claims is deleted and never gets one).
import { api, upload } from '../../api/client.js'
import { sleep } from './shared.js'

export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp']
export const IMAGE_MAX_BYTES = 5 * 1024 * 1024

export function imageProblem(file) {
  if (!IMAGE_TYPES.includes(file.type)) return `“${file.name}”不是 JPG、PNG 或 WebP 图片`
  if (file.size > IMAGE_MAX_BYTES) return `“${file.name}”超过 5 MB`
  if (file.size < 1) return `“${file.name}”是空文件`
  return null
}

function loads(src) {
  return new Promise((resolve) => {
    const img = new Image()
    img.onload = () => resolve(true)
    img.onerror = () => resolve(false)
    img.src = src
  })
}

// Resolves with the thumbnail URL once it can be shown, null if it never appeared (rejected).
// The API has no upload status to read, so the thumbnail itself is probed, first after ~2 s (the
// thumbnails function usually takes under a second), then with backoff for about half a minute.
export async function waitForThumbnail(url, { first = 2000, tries = 8 } = {}) {
  await sleep(first)
  for (let n = 0; n < tries; n++) {
    const src = n ? `${url}?t=${Date.now()}` : url
    if (await loads(src)) return src
    await sleep(Math.min(1500 * 2 ** n, 5000))
  }
  return null
}

// onState({ phase: 'uploading' | 'processing', percent })
export async function uploadImage(file, onState) {
  const ticket = await api.createUpload({
    kind: 'image',
    content_type: file.type,
    size: file.size,
    filename: file.name.slice(0, 200),
  })
  onState({ phase: 'uploading', percent: 0 })
  await upload(ticket.post, file, (percent) => onState({ phase: 'uploading', percent }))
  onState({ phase: 'processing', percent: 100 })
  // bigger files take the thumbnails function longer: wait about a second more per MB before the first look
  const thumb = await waitForThumbnail(ticket.thumbnail_urls['240'], { first: 2000 + Math.round(file.size / 1048576) * 1000 })
  return { url: ticket.url, thumb, thumbnails: ticket.thumbnail_urls }
}
