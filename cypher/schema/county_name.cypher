// County names are unique.
CREATE CONSTRAINT collabnet_county_name IF NOT EXISTS
FOR (c:County) REQUIRE c.name IS UNIQUE
