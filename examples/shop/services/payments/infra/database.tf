# Ledger: PostgreSQL, Multi-AZ in the primary region, cross-region replica
# in eu-central-1 that the DR plan promotes. Idempotency and payment state
# live in a DynamoDB global table, written in both regions (active-active).

resource "aws_db_parameter_group" "audit" {
  name   = "payments-postgres16-audit"
  family = "postgres16"

  parameter {
    name  = "log_statement"
    value = "ddl"
  }

  parameter {
    name  = "log_min_duration_statement"
    value = "500"
  }

  parameter {
    name         = "rds.force_ssl"
    value        = "1"
    apply_method = "pending-reboot"
  }
}

resource "aws_db_parameter_group" "audit_secondary" {
  provider = aws.secondary
  name     = "payments-postgres16-audit"
  family   = "postgres16"

  parameter {
    name  = "log_statement"
    value = "ddl"
  }

  parameter {
    name  = "log_min_duration_statement"
    value = "500"
  }

  parameter {
    name         = "rds.force_ssl"
    value        = "1"
    apply_method = "pending-reboot"
  }
}

resource "aws_db_instance" "ledger" {
  identifier                            = "payments-ledger"
  engine                                = "postgres"
  engine_version                        = "16.4"
  instance_class                        = "db.r6g.xlarge"
  allocated_storage                     = 500
  max_allocated_storage                 = 2000
  storage_type                          = "gp3"
  db_subnet_group_name                  = "payments-private"
  vpc_security_group_ids                = ["sg-0a3f1c9e2b7d45a10"]
  multi_az                              = true
  publicly_accessible                   = false
  storage_encrypted                     = true
  kms_key_id                            = aws_kms_key.payments.arn
  iam_database_authentication_enabled   = true
  manage_master_user_password           = true
  username                              = "ledger_admin"
  backup_retention_period               = 35
  backup_window                         = "02:00-03:00"
  copy_tags_to_snapshot                 = true
  deletion_protection                   = true
  skip_final_snapshot                   = false
  final_snapshot_identifier             = "payments-ledger-final"
  auto_minor_version_upgrade            = true
  monitoring_interval                   = 15
  monitoring_role_arn                   = "arn:aws:iam::123456789012:role/rds-enhanced-monitoring"
  performance_insights_enabled          = true
  performance_insights_kms_key_id       = aws_kms_key.payments.arn
  enabled_cloudwatch_logs_exports       = ["postgresql", "upgrade"]
  parameter_group_name                  = aws_db_parameter_group.audit.name
}

resource "aws_db_instance" "ledger_replica" {
  provider                            = aws.secondary
  identifier                          = "payments-ledger-replica"
  replicate_source_db                 = aws_db_instance.ledger.arn
  instance_class                      = "db.r6g.xlarge"
  multi_az                            = true
  publicly_accessible                 = false
  storage_encrypted                   = true
  kms_key_id                          = aws_kms_replica_key.payments_secondary.arn
  iam_database_authentication_enabled = true
  backup_retention_period             = 35
  copy_tags_to_snapshot               = true
  deletion_protection                 = true
  skip_final_snapshot                 = false
  final_snapshot_identifier           = "payments-ledger-replica-final"
  auto_minor_version_upgrade          = true
  monitoring_interval                 = 15
  monitoring_role_arn                 = "arn:aws:iam::123456789012:role/rds-enhanced-monitoring"
  performance_insights_enabled        = true
  performance_insights_kms_key_id     = aws_kms_replica_key.payments_secondary.arn
  enabled_cloudwatch_logs_exports     = ["postgresql", "upgrade"]
  parameter_group_name                = aws_db_parameter_group.audit_secondary.name
}

resource "aws_dynamodb_table" "payment_state" {
  name                        = "payments-state"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "payment_id"
  stream_enabled              = true
  stream_view_type            = "NEW_AND_OLD_IMAGES"
  deletion_protection_enabled = true

  attribute {
    name = "payment_id"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.payments.arn
  }

  replica {
    region_name            = "eu-central-1"
    kms_key_arn            = aws_kms_replica_key.payments_secondary.arn
    point_in_time_recovery = true
  }
}
