resource "aws_kms_key" "orders" {
  description             = "checkout: orders database and invoice bucket"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  multi_region            = true
}

resource "aws_kms_replica_key" "orders_standby" {
  provider        = aws.standby
  description     = "checkout: standby replica key"
  primary_key_arn = aws_kms_key.orders.arn
}

resource "aws_db_instance" "orders" {
  identifier                          = "checkout-orders"
  engine                              = "postgres"
  engine_version                      = "16.4"
  instance_class                      = "db.r6g.large"
  allocated_storage                   = 200
  max_allocated_storage               = 1000
  storage_type                        = "gp3"
  db_subnet_group_name                = "checkout-private"
  vpc_security_group_ids              = ["sg-04d7e2a1c9b3f5e68"]
  # Single-AZ since the 2025 cost review; the standby region is the only failover.
  multi_az                            = false
  publicly_accessible                 = false
  storage_encrypted                   = true
  kms_key_id                          = aws_kms_key.orders.arn
  iam_database_authentication_enabled = true
  manage_master_user_password         = true
  username                            = "orders_admin"
  backup_retention_period             = 35
  copy_tags_to_snapshot               = true
  deletion_protection                 = true
  skip_final_snapshot                 = false
  final_snapshot_identifier           = "checkout-orders-final"
  auto_minor_version_upgrade          = true
  enabled_cloudwatch_logs_exports     = ["postgresql"]
}

# Warm standby: a smaller cross-region replica, promoted and resized in a disaster.
resource "aws_db_instance" "orders_standby" {
  provider                   = aws.standby
  identifier                 = "checkout-orders-standby"
  replicate_source_db        = aws_db_instance.orders.arn
  instance_class             = "db.r6g.medium"
  multi_az                   = false
  publicly_accessible        = false
  storage_encrypted          = true
  kms_key_id                 = aws_kms_replica_key.orders_standby.arn
  backup_retention_period    = 7
  copy_tags_to_snapshot      = true
  deletion_protection        = true
  skip_final_snapshot        = true
  auto_minor_version_upgrade = true
}
