module hellorpc/goaged

go 1.19
