-- wrk script of the checkout benchmark: each thread submits its share of prepared checkout forms
-- (one per line of the file args[1]: cookie header, a tab, the form body) once, then stops.
-- A connection that finds its thread's forms all sent asks for a small static file instead, so
-- that no form is sent twice; those answers (200) are not counted.
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  local path, thread_count = args[1], tonumber(args[2])
  forms, sent, placed, refused, failed = {}, 0, 0, 0, 0
  local n = 0
  for line in io.lines(path) do
    if n % thread_count == id then
      local cookie, body = line:match("^(.-)\t(.*)$")
      table.insert(forms, {cookie = cookie, body = body})
    end
    n = n + 1
  end
end

function request()
  sent = sent + 1
  local form = forms[sent]
  if form == nil then
    return wrk.format("GET", "/static/css/app.css")
  end
  return wrk.format("POST", "/checkout", {["Cookie"] = form.cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded"}, form.body)
end

function response(status, headers, body)
  if status == 303 then placed = placed + 1
  elseif status == 422 then refused = refused + 1
  elseif status ~= 200 then failed = failed + 1 end
  if placed + refused + failed >= #forms then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local totals = {placed = 0, refused = 0, failed = 0}
  for _, thread in ipairs(threads) do
    for name in pairs(totals) do totals[name] = totals[name] + thread:get(name) end
  end
  io.write(string.format("RESULT %d %d %d %.3f %.1f %.1f\n", totals.placed, totals.refused, totals.failed,
    summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000))
end
