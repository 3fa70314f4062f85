<?php
// The PHP anchor of `cargo xtask bench`: the list and get actions of the
// PHP module Lectern replaces, as that module served them (PDO on the same
// SQLite file, a PHP session cookie for who is signed in, the account read
// on every request, the same joins, scope and attachment counts, JSON
// out), behind nginx and PHP-FPM. Written as a careful PHP developer
// would: one persistent connection per worker, prepared statements, and
// the session released as soon as it is read, so requests on one cookie
// do not queue on its lock.

const SESSION_COLUMNS = 'SELECT s.id, s.occurrence_id, s.batch_id, s.branch_id, s.user_id, s.title,
    s.scheduled_start, s.scheduled_end, s.actual_start, s.actual_end, s.completion_code, s.notes,
    s.status, s.cancel_reason, s.completed_at, s.cancelled_at, s.review, s.recorded_by,
    s.return_reason, s.late_minutes, s.late_reason, s.verified_at, s.verified_by, s.delivered_by,
    s.location_override, s.version, s.created_at, s.updated_at,
    b.code AS batch_code, b.name AS batch_name, b.location AS location,
    u.name AS user_name, br.timezone AS timezone
  FROM session_completions s
  LEFT JOIN batches b ON s.batch_id = b.id
  INNER JOIN users u ON s.user_id = u.id
  INNER JOIN branches br ON s.branch_id = br.id';

function db(): PDO
{
    $db = new PDO('sqlite:' . getenv('LECTERN_SQLITE'), null, null, [
        PDO::ATTR_PERSISTENT => true,
        PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION,
        PDO::ATTR_DEFAULT_FETCH_MODE => PDO::FETCH_ASSOC,
        PDO::ATTR_STRINGIFY_FETCHES => false,
    ]);
    $db->exec('PRAGMA busy_timeout = 5000');
    return $db;
}

function answer(int $status, $body): void
{
    http_response_code($status);
    header('Content-Type: application/json');
    echo json_encode($body, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
}

/// The signed-in account as it is now, or null.
function caller(PDO $db): ?array
{
    session_start(['read_and_close' => true]);
    if (!isset($_SESSION['user_id'])) {
        return null;
    }
    $query = $db->prepare('SELECT id, role, branch_id FROM users WHERE id = ? AND active');
    $query->execute([$_SESSION['user_id']]);
    return $query->fetch() ?: null;
}

/// The SQL condition and its values that keep a caller to their sessions.
function scope(array $caller): array
{
    switch ($caller['role']) {
        case 'super_admin':
            return ['1 = 1', []];
        case 'branch_admin':
            return ['s.branch_id = ?', [$caller['branch_id']]];
        default:
            return ['(s.user_id = ? OR s.delivered_by = ?)', [$caller['id'], $caller['id']]];
    }
}

function sign_in(PDO $db): void
{
    $body = json_decode(file_get_contents('php://input'), true);
    $query = $db->prepare('SELECT id, password_hash FROM users WHERE email = ? AND active');
    $query->execute([$body['email'] ?? '']);
    $user = $query->fetch();
    if (!$user || !password_verify($body['password'] ?? '', $user['password_hash'])) {
        answer(401, ['title' => 'Wrong email or password']);
        return;
    }
    session_start();
    session_regenerate_id(true);
    $_SESSION['user_id'] = $user['id'];
    answer(200, ['user_id' => $user['id']]);
}

function list_sessions(PDO $db, array $caller): void
{
    [$where, $values] = scope($caller);
    $limit = max(1, min(100, (int) ($_GET['limit'] ?? 50)));
    $query = $db->prepare(SESSION_COLUMNS . " WHERE $where
        ORDER BY s.scheduled_start DESC, s.id DESC LIMIT " . ($limit + 1));
    $query->execute($values);
    $rows = $query->fetchAll();
    $next = null;
    if (count($rows) > $limit) {
        array_pop($rows);
        $last = end($rows);
        $next = $last['scheduled_start'] . '.' . $last['id'];
    }
    $counts = [];
    if ($rows) {
        $ids = array_column($rows, 'id');
        $marks = implode(',', array_fill(0, count($ids), '?'));
        $query = $db->prepare("SELECT completion_id, COUNT(id) AS n FROM session_attachments
            WHERE completion_id IN ($marks) GROUP BY completion_id");
        $query->execute($ids);
        foreach ($query->fetchAll() as $count) {
            $counts[$count['completion_id']] = $count['n'];
        }
    }
    foreach ($rows as &$row) {
        $row['attachment_count'] = $counts[$row['id']] ?? 0;
    }
    answer(200, ['items' => $rows, 'next_cursor' => $next]);
}

function get_session(PDO $db, array $caller, int $id): void
{
    [$where, $values] = scope($caller);
    $query = $db->prepare(SESSION_COLUMNS . " WHERE s.id = ? AND $where LIMIT 1");
    $query->execute(array_merge([$id], $values));
    $session = $query->fetch();
    if (!$session) {
        answer(404, ['title' => 'No such session']);
        return;
    }
    $query = $db->prepare('SELECT id, completion_id, file_name, storage_key, mime_type,
        size_bytes, sha256, description, uploaded_by, download_count, created_at, updated_at
        FROM session_attachments WHERE completion_id = ? ORDER BY id');
    $query->execute([$id]);
    $session['attachments'] = $query->fetchAll();
    $query = $db->prepare('SELECT n.id, n.completion_id, n.author_id, n.note_type, n.note_text,
        n.edited_at, n.created_at, n.updated_at, u.name AS author_name
        FROM session_notes n INNER JOIN users u ON n.author_id = u.id
        WHERE n.completion_id = ? ORDER BY n.id');
    $query->execute([$id]);
    $session['comments'] = $query->fetchAll();
    answer(200, $session);
}

$db = db();
$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
if ($path === '/api/v1/auth/login' && $_SERVER['REQUEST_METHOD'] === 'POST') {
    sign_in($db);
    return;
}
$caller = caller($db);
if ($caller === null) {
    answer(401, ['title' => 'Sign in first']);
} elseif ($path === '/api/v1/completions') {
    list_sessions($db, $caller);
} elseif (preg_match('#^/api/v1/completions/(\d+)$#', $path, $match)) {
    get_session($db, $caller, (int) $match[1]);
} else {
    answer(404, ['title' => 'Not found']);
}
