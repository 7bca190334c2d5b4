// The Lua that reads a JSON path the query language's way (lib/jobs/query/ast.ts), put at the start of
// the scripts that need it (./job-predicate.ts for path clauses, ../extract-paths-1.ts for data columns),
// so a path means the same in a search and in a column:
//   jsonIndexOf(segment) → the 1-based Lua index a segment names in an array (digits only, no leading 0), or nil;
//   jsonAt(value, segments, indexes) → the value there, nil when missing or not navigable (an object's
//     key first; for a canonical index, the array's element);
//   jsonText(value) → its text: a string as it is, a number as Lua's tostring, true/false, an object or
//     array as cjson writes it; nil for JSON null.
export const JSON_PATH = `
local function jsonIndexOf(s)
  if s == '0' or string.find(s, '^[1-9]%d*$') then return tonumber(s) + 1 end
  return nil
end
local function jsonAt(v, segs, idx)
  for k = 1, #segs do
    if type(v) ~= 'table' then return nil end
    local nxt = v[segs[k]]
    if nxt == nil and idx[k] then nxt = v[idx[k]] end
    if nxt == nil then return nil end
    v = nxt
  end
  return v
end
local function jsonText(v)
  local t = type(v)
  if t == 'string' then return v end
  if t == 'number' then return tostring(v) end
  if t == 'boolean' then return v and 'true' or 'false' end
  -- JSON null has no text (as PostgreSQL's #>> answers SQL NULL).
  if v == cjson.null then return nil end
  if t == 'table' then
    local ok, s = pcall(cjson.encode, v)
    if ok then return s end
  end
  return nil
end
`;
