/**
 * The signed-in hint: a cookie the node sets beside the session cookie at sign-in and clears at
 * sign-out. It holds no secret (its value is "1") and, unlike the session cookie, scripts can read
 * it, so the web UI asks the node for the session only when there may be one. A visitor who never
 * signed in is shown the sign-in form without a call that can only answer 401.
 */
export const SIGNED_IN_HINT_COOKIE = 'comity_signed_in';
