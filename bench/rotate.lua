-- wrk script: rotates over the addresses listed one a line in the file named after `--`,
-- as a browser would ask for them (wrk sends no User-Agent of its own, and the site does not
-- count views of clients without one).
local paths = {}
local counter = 0

function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" then
      paths[#paths + 1] = line
    end
  end
  -- Each thread starts at its own place in the rotation.
  counter = math.random(#paths)
end

function request()
  counter = counter + 1
  local path = paths[(counter % #paths) + 1]
  return wrk.format("GET", path, {
    ["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0",
    ["Accept"] = "text/html,application/xhtml+xml",
    -- As every browser and feed reader sends: cached pages are kept compressed too.
    ["Accept-Encoding"] = "gzip, deflate, br",
  })
end
