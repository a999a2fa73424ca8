print("stmoe-sweep")
