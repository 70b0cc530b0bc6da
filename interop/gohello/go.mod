module hellorpc/gohello

go 1.19
