// Who is signed in and what their role may do (from the sign-in / refresh answer).
// The access token itself stays inside api/client.js (memory only); this store holds the rest.

import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api, acceptSession, clearSession, onSessionChange, refreshSession, ApiError } from '../api/client.js'

export const ROLE_LABELS = {
  owner: '店主',
  manager: '运营',
  customer_service: '客服',
  finance: '财务',
  pickup_verifier: '核销员',
}

export const useAuth = defineStore('auth', () => {
  const name = ref('')
  const role = ref('')
  const roleLabel = ref('')
  const permissions = ref([])
  const sessionId = ref('')
  const secondFactor = ref(false)
  const refreshExpiresAt = ref('')
  /** true once restore() has been tried on this page load (whatever the outcome) */
  const restored = ref(false)
  /** why the last session ended on its own (e.g. '登录已过期，请重新登录。'), for the sign-in page */
  const endedReason = ref('')

  const signedIn = computed(() => !!name.value)
  const permissionSet = computed(() => new Set(permissions.value))

  function apply(session) {
    if (!session) {
      name.value = ''
      role.value = ''
      roleLabel.value = ''
      permissions.value = []
      sessionId.value = ''
      secondFactor.value = false
      refreshExpiresAt.value = ''
      return
    }
    name.value = session.name || ''
    role.value = session.role || ''
    roleLabel.value = session.role_label || ROLE_LABELS[session.role] || session.role || ''
    permissions.value = Array.isArray(session.permissions) ? [...session.permissions] : []
    sessionId.value = session.session_id || ''
    secondFactor.value = !!session.second_factor
    refreshExpiresAt.value = session.refresh_expires_at || ''
  }

  onSessionChange((session, why) => {
    apply(session)
    // a sign-in that ended on its own is explained on the sign-in page
    if (!session && why) endedReason.value = why.message
  })

  /** Whether the role may do `permission` (a string; an array means any of them). */
  function can(permission) {
    if (!permission) return true
    if (Array.isArray(permission)) return permission.some((p) => permissionSet.value.has(p))
    return permissionSet.value.has(permission)
  }

  /**
   * Signs in with {name, password, totp?}. Resolves with the session; rejects with ApiError
   * (401 second_factor_required / second_factor_setup_required (details: otpauth_uri, secret,
   * expires_at) / invalid_credentials / invalid_totp_code / account_disabled, 403 account_locked,
   * 429 too_many_attempts (details.retry_after)).
   */
  async function signIn({ name: who, password, totp } = {}) {
    const body = { name: who, password }
    if (totp) body.totp = totp
    const answer = await api.signIn(body)
    endedReason.value = ''
    restored.value = true
    return acceptSession(answer)
  }

  /** Restores the sign-in after a page load from the refresh cookie; resolves true/false. */
  async function restore() {
    if (signedIn.value) {
      restored.value = true
      return true
    }
    try {
      await refreshSession()
      return true
    } catch (err) {
      if (!(err instanceof ApiError) || err.status === 0) throw err // network: let the caller say so
      return false
    } finally {
      restored.value = true
    }
  }

  /** Signs this device out (the API clears the cookie); the local session ends whatever the API says. */
  async function signOut() {
    try {
      await api.signOut()
    } finally {
      endedReason.value = ''
      clearSession()
    }
  }

  /** Signs out every device of this account (this one too). Resolves with how many were ended. */
  async function signOutEverywhere() {
    let answer = null
    try {
      answer = await api.signOutEverywhere()
    } finally {
      endedReason.value = ''
      clearSession()
    }
    return answer ? answer.signed_out : 0
  }

  return {
    name, role, roleLabel, permissions, sessionId, secondFactor, refreshExpiresAt, restored, endedReason,
    signedIn, can, signIn, restore, signOut, signOutEverywhere,
  }
})
