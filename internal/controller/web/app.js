// The seat map: plain ES module, no build step. It uses only the public API, like any other client.
const API = '/api/v1';
const $ = (id) => document.getElementById(id);
const state = { token: localStorage.getItem('onsale.token') || '', event: null, seats: new Map(), selected: new Set(), hold: null, stream: null, queueSession: null };

function claims(token) {
  try {
    return JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
  } catch {
    return null;
  }
}

function say(text, isError = false) {
  $('message').textContent = text;
  $('message').className = isError ? 'error' : '';
}

async function api(method, path, body, headers = {}) {
  const res = await fetch(API + path, {
    method,
    headers: { ...(body && { 'Content-Type': 'application/json' }), ...(state.token && { Authorization: `Bearer ${state.token}` }), ...headers },
    body: body && JSON.stringify(body),
  });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) throw Object.assign(new Error(data?.detail || res.statusText), { status: res.status, problem: data });
  return data;
}

function showUser() {
  const c = state.token && claims(state.token);
  $('who').textContent = c ? `signed in as ${c.sub} (${c.role})` : 'not signed in';
  $('token').value = state.token;
}

async function loadEvents() {
  const { events } = await api('GET', '/events/active');
  const select = $('event');
  select.replaceChildren(new Option(events.length ? 'Choose…' : 'No active events', ''));
  for (const e of events) select.add(new Option(`${e.name} — ${e.venue} (${e.is_seated_event ? 'seated' : 'standing'})`, e.id));
  const wanted = new URLSearchParams(location.search).get('event');
  if (wanted && events.some((e) => e.id === wanted)) {
    select.value = wanted;
    await openEvent(wanted);
  }
}

async function openEvent(id) {
  state.stream?.close();
  state.seats.clear();
  state.selected.clear();
  state.hold = null;
  state.event = id ? await api('GET', `/events/${id}`) : null;
  if (!state.event) return render();
  let cursor = null;
  do {
    const page = await api('GET', `/events/${id}/seats?limit=10000${cursor ? `&cursor=${cursor}` : ''}`);
    for (const seat of page.seats) state.seats.set(seat.id, seat);
    cursor = page.next_cursor;
  } while (cursor);
  showCounts(state.event.counts);
  render();
  state.stream = new EventSource(`${API}/events/${id}/stream`);
  state.stream.addEventListener('seat', (e) => {
    const change = JSON.parse(e.data);
    const seat = state.seats.get(change.seat_id);
    if (!seat) return;
    seat.status = change.status;
    if (change.status !== 'held') state.selected.delete(seat.id);
    paintSeat(seat);
  });
  state.stream.addEventListener('availability', (e) => showCounts(JSON.parse(e.data)));
  state.stream.addEventListener('sold_out', () => say('Sold out.'));
}

function showCounts(c) {
  $('counts').textContent = `${c.available} available · ${c.held} held · ${c.reserved} reserved · ${c.sold} sold`;
}

function seatState(seat) {
  return state.hold?.seat_ids.includes(seat.id) && seat.status === 'held' ? 'mine' : seat.status;
}

function paintSeat(seat) {
  const button = document.querySelector(`[data-seat="${seat.id}"]`);
  if (!button) return;
  const status = seatState(seat);
  button.className = `seat ${status}`;
  button.setAttribute('aria-pressed', String(state.selected.has(seat.id)));
  button.setAttribute('aria-label', `Section ${seat.section}, row ${seat.row}, seat ${seat.number}: ${status === 'mine' ? 'held by you' : status}`);
  button.dataset.status = status;
}

function render() {
  const map = $('map');
  map.replaceChildren();
  if (state.event && !state.event.is_seated_event) {
    map.innerHTML = '<label for="quantity">Standing tickets</label> <input id="quantity" type="number" min="1" max="10" value="1">';
  }
  const sections = new Map();
  for (const seat of state.seats.values()) {
    const rows = sections.get(seat.section) ?? new Map();
    sections.set(seat.section, rows);
    (rows.get(seat.row) ?? rows.set(seat.row, []).get(seat.row)).push(seat);
  }
  for (const [section, rows] of sections) {
    const block = document.createElement('div');
    block.className = 'section';
    block.append(Object.assign(document.createElement('h3'), { textContent: `Section ${section}` }));
    for (const [row, seats] of rows) {
      const line = document.createElement('div');
      line.className = 'row';
      line.append(Object.assign(document.createElement('span'), { className: 'row-label', textContent: `Row ${row}` }));
      for (const seat of seats) {
        const button = Object.assign(document.createElement('button'), { type: 'button', textContent: seat.number });
        button.dataset.seat = seat.id;
        button.addEventListener('click', () => toggle(seat));
        line.append(button);
      }
      block.append(line);
    }
    map.append(block);
  }
  for (const seat of state.seats.values()) paintSeat(seat);
  updateActions();
}

function toggle(seat) {
  if (seat.status !== 'available') return;
  if (state.selected.has(seat.id)) state.selected.delete(seat.id);
  else state.selected.add(seat.id);
  paintSeat(seat);
  updateActions();
}

function updateActions() {
  const standing = state.event && !state.event.is_seated_event;
  $('hold').disabled = !state.token || !state.event || state.hold !== null || (!standing && state.selected.size === 0);
  $('buy').disabled = !state.hold;
  $('release').disabled = !state.hold;
  $('selection').textContent = state.hold
    ? `Holding ${state.hold.quantity} until ${new Date(state.hold.expires_at).toLocaleTimeString()}.`
    : `${state.selected.size} seat(s) selected.`;
}

// A queued event needs an active waiting-room session: join, and retry once admitted.
async function withQueue(work) {
  try {
    return await work(state.queueSession ? { 'X-Queue-Session': state.queueSession } : {});
  } catch (error) {
    if (!error.problem?.type?.endsWith('queue-session-required')) throw error;
    const entry = await api('POST', '/queue/join', { event_id: state.event.id });
    state.queueSession = entry.session_id;
    if (entry.status !== 'active') throw new Error(`You are number ${entry.position} in the queue; try again when admitted.`);
    return work({ 'X-Queue-Session': state.queueSession });
  }
}

async function hold() {
  const standing = !state.event.is_seated_event;
  const body = standing ? { event_id: state.event.id, quantity: Number($('quantity').value) } : { event_id: state.event.id, seat_ids: [...state.selected] };
  try {
    state.hold = await withQueue((headers) => api('POST', '/holds', body, headers));
    state.selected.clear();
    for (const id of state.hold.seat_ids) {
      const seat = state.seats.get(id);
      seat.status = 'held';
      paintSeat(seat);
    }
    say('Held. Buy before the hold expires.');
  } catch (error) {
    say(error.message, true);
  }
  updateActions();
}

async function buy() {
  try {
    const { tickets } = await withQueue((headers) => api('POST', '/tickets/purchase', { hold_id: state.hold.id }, { ...headers, 'Idempotency-Key': crypto.randomUUID() }));
    for (const ticket of tickets) await api('POST', `/tickets/${ticket.id}/confirm`, undefined, { 'Idempotency-Key': crypto.randomUUID() });
    say(`Bought ${tickets.length} ticket(s).`);
    state.hold = null;
  } catch (error) {
    say(error.message, true);
  }
  updateActions();
}

async function release() {
  try {
    await api('DELETE', `/holds/${state.hold.id}`);
    state.hold = null;
    say('Released.');
  } catch (error) {
    say(error.message, true);
  }
  updateActions();
}

$('token-form').addEventListener('submit', (e) => {
  e.preventDefault();
  state.token = $('token').value.trim();
  localStorage.setItem('onsale.token', state.token);
  showUser();
  updateActions();
});
$('event').addEventListener('change', (e) => openEvent(e.target.value).catch((error) => say(error.message, true)));
$('hold').addEventListener('click', hold);
$('buy').addEventListener('click', buy);
$('release').addEventListener('click', release);
showUser();
loadEvents().catch((error) => say(error.message, true));
