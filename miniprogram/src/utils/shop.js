// The shop's name as the app shows it (the share poster, share cards); a merchant sets theirs here
// and in pages.json / manifest.json (navigation bar title, app name) before building.
export const SHOP_NAME = '微店商城'
