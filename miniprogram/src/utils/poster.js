// The share poster (邀请海报): the shop's name, an invitation, the mini-program code that opens the
// shop with the shopper's invite code, the code in words, and the first reward, drawn on a canvas
// (uni's canvas API: WeChat's canvas on mp-weixin, an HTML canvas in the H5 build) and exported as an
// image the page shows and the shopper saves to the album.
import { SHOP_NAME } from './shop.js'

export const POSTER = { width: 300, height: 480 }
const CODE = 180

// An image WeChat's canvas can draw: on mp-weixin a file (its canvas takes no data: URL), in the
// H5 build the data: URL itself.
export function drawable(dataUrl) {
  // #ifdef MP-WEIXIN
  return new Promise((resolve, reject) => {
    const [head, base64] = dataUrl.split(',')
    const path = `${wx.env.USER_DATA_PATH}/share-code.${head.includes('png') ? 'png' : 'jpg'}`
    wx.getFileSystemManager().writeFile({ filePath: path, data: base64, encoding: 'base64', success: () => resolve(path), fail: reject })
  })
  // #endif
  // #ifndef MP-WEIXIN
  return Promise.resolve(dataUrl)
  // #endif
}

// Draws the poster on the page's <canvas canvas-id="{canvasId}"> and resolves with the image: a
// temporary file on mp-weixin (what saveImageToPhotosAlbum takes), a PNG data: URL in the H5 build.
export function drawPoster({ canvasId, component, code, inviteCode, reward }) {
  const { width: W, height: H } = POSTER
  return new Promise((resolve, reject) => {
    const ctx = uni.createCanvasContext(canvasId, component)
    ctx.setFillStyle('#ffffff')
    ctx.fillRect(0, 0, W, H)
    ctx.setFillStyle('#e4393c')
    ctx.fillRect(0, 0, W, 118)
    ctx.setTextAlign('center')
    ctx.setFillStyle('#ffffff')
    ctx.setFontSize(24)
    ctx.fillText(SHOP_NAME, W / 2, 54)
    ctx.setFontSize(14)
    ctx.fillText('好友邀请你一起逛，新人专享好礼', W / 2, 88)
    ctx.drawImage(code, (W - CODE) / 2, 146, CODE, CODE)
    ctx.setFillStyle('#333333')
    ctx.setFontSize(14)
    ctx.fillText('长按识别小程序码，进店逛逛', W / 2, 356)
    ctx.setFillStyle('#e4393c')
    ctx.setFontSize(20)
    ctx.fillText(`邀请码 ${inviteCode}`, W / 2, 396)
    if (reward) {
      ctx.setFillStyle('#999999')
      ctx.setFontSize(12)
      ctx.fillText(reward, W / 2, 436)
    }
    ctx.draw(false, () => {
      uni.canvasToTempFilePath({
        canvasId, x: 0, y: 0, width: W, height: H, destWidth: W * 2, destHeight: H * 2, fileType: 'png',
        success: (res) => resolve(res.tempFilePath),
        fail: reject,
      }, component)
    })
  })
}
