module hellorpc/gojsonverdict

go 1.19
