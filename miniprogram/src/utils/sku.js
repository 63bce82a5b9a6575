// The SKU picker's rules: a value can be picked only if some SKU with stock has it together with
// the values already picked on the other dimensions; the chosen SKU is the one matching every
// dimension. Out-of-stock combinations can therefore never be chosen.
export function matches(sku, picked, except) {
  return Object.entries(picked).every(([name, value]) => name === except || value == null || sku.specs[name] === value)
}

export function selectable(skus, picked, name, value) {
  return skus.some((sku) => sku.stock > 0 && sku.specs[name] === value && matches(sku, picked, name))
}

export function chosenSku(skus, specs, picked) {
  if (!specs.every((dim) => picked[dim.name] != null)) return null
  return skus.find((sku) => matches(sku, picked)) || null
}

export function pick(skus, picked, name, value) {
  const next = { ...picked, [name]: picked[name] === value ? null : value }
  return selectable(skus, picked, name, value) || next[name] === null ? next : picked
}
