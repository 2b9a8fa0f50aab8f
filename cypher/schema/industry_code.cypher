// Industry codes are unique.
CREATE CONSTRAINT collabnet_industry_code IF NOT EXISTS
FOR (i:Industry) REQUIRE i.code IS UNIQUE
