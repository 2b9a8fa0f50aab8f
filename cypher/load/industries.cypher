// Creates or updates industries, replacing their properties.
// $rows (list): one map of properties per industry (code, name_zh, name_en, ...)
// $push (text): id of this push
UNWIND $rows AS row
MERGE (industry:Industry {code: row.code})
SET industry = row, industry._push = $push
