-- A reader mix for wrk (bench/load.sh): each request picks a URL at random, weighted like real
-- traffic on the demo event. With arguments (`wrk ... -s load.lua -- /path`), only that path.
-- done() prints one RESULT line that load.sh reads.

local slug = "/events/da-mo-xing-xun-lian-he-jin-hua-zhi-lu/"
local mix = {
  -- weight, path (Chinese is percent-encoded below)
  {12, slug},
  {4, slug .. "?speaker=zhangjunlin"},
  {3, slug .. "?topic=10"},
  {3, slug .. "?tag=幻觉"},
  {2, slug .. "?speaker=youyang&topic=1"},
  {3, slug .. "q/5/"},
  {3, slug .. "q/42/"},
  {4, "/"},
  {2, "/speakers/"},
  {2, "/speakers/zhangjunlin/"},
  {2, "/tags/"},
  {2, "/tags/幻觉/"},
  {3, "/search/?q=幻觉"},
  {2, "/search/?q=大模型 -幻觉"},
  {2, "/search/?q=强化学习&speaker=zhangjunlin"},
  {2, "/search/?q=\"基座模型\"&page=1"},
  {2, "/api/events"},
  {3, "/api/events/da-mo-xing-xun-lian-he-jin-hua-zhi-lu/quotes?speaker=zhangjunlin"},
  {2, "/api/events/da-mo-xing-xun-lian-he-jin-hua-zhi-lu/quotes?tag=幻觉"},
  {2, "/api/search?q=算力"},
  {1, "/api/speakers"},
  {1, "/api/tags"},
  {1, "/en" .. slug},
}

local function encode(path)
  return (path:gsub("[^%w%-%._~/%?=&]", function(c)
    return string.format("%%%02X", string.byte(c))
  end))
end

local paths = {}

function init(args)
  if #args > 0 then
    for _, path in ipairs(args) do paths[#paths + 1] = encode(path) end
  else
    for _, entry in ipairs(mix) do
      for _ = 1, entry[1] do paths[#paths + 1] = encode(entry[2]) end
    end
  end
  -- each wrk thread has its own Lua state: seed each differently (the address of a new table)
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16))
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end

function done(summary, latency, requests)
  local errors = summary.errors
  local socket_errors = errors.connect + errors.read + errors.write + errors.timeout
  io.write(string.format(
    "RESULT requests=%d seconds=%.2f rps=%.1f p50_ms=%.2f p99_ms=%.2f status_errors=%d socket_errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    errors.status, socket_errors))
end
