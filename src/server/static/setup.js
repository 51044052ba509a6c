// The setup page: reads the one-time token from the URL fragment (never sent to the server in a
// request line or logged) and posts it with the new admin's name and password to /api/setup.
const form = document.getElementById('setup');
const result = document.getElementById('result');
const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
if (token === '') {
  result.textContent = 'This page needs the setup link printed by the server when it started.';
  result.className = 'error';
}
form.addEventListener('submit', async (e) => {
  e.preventDefault();
  const data = new FormData(form);
  if (data.get('password') !== data.get('again')) {
    result.textContent = 'The two passwords differ.';
    result.className = 'error';
    return;
  }
  const res = await fetch('/api/setup', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, name: data.get('name'), password: data.get('password') }),
  });
  const body = await res.json().catch(() => ({}));
  if (res.ok) {
    history.replaceState(null, '', '/setup');
    result.textContent = `Admin ${body.user?.name ?? ''} created. The setup link is used up; sign in with this account: `;
    const signIn = document.createElement('a');
    signIn.href = '/';
    signIn.textContent = 'Sign in';
    result.append(signIn);
    result.className = 'ok';
    form.remove();
    signIn.focus();
  } else {
    result.textContent = body.error?.message ?? `Setup failed (HTTP ${res.status}).`;
    result.className = 'error';
  }
});
