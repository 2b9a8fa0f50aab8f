// Every industry's properties.
MATCH (industry:Industry)
RETURN properties(industry) AS properties
