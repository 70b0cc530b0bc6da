module hellorpc/gomapped

go 1.19
