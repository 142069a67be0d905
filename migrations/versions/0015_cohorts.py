"""cohorts: intakes of a programme or a course with deadlines, instructors, learners, invitation links and
calendar feeds; and the instructor role

Revision ID: 0015
Revises: 0014
"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


ROLES_BEFORE = "role IN ('learner', 'author', 'admin')"
ROLES_AFTER = "role IN ('learner', 'instructor', 'author', 'admin')"


def upgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_users_role'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_users_role'), ROLES_AFTER)
    op.create_table('calendar_feeds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_calendar_feeds_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feeds')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_feeds_token_hash'))
    )
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_feeds_user_id'), ['user_id'], unique=False)

    op.create_table('cohorts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=True),
    sa.Column('course_id', sa.Integer(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('archived', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(programme_id IS NULL) <> (course_id IS NULL)', name=op.f('ck_cohorts_one_offering')),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_cohorts_dates')),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_cohorts_course_id_courses')),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_cohorts_programme_id_programmes')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_cohorts_school_id_schools'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cohorts')),
    sa.UniqueConstraint('school_id', 'slug', name=op.f('uq_cohorts_school_id_slug'))
    )
    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cohorts_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cohorts_programme_id'), ['programme_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cohorts_school_id'), ['school_id'], unique=False)

    op.create_table('cohort_deadlines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('quiz_id', sa.Integer(), nullable=True),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_cohort_deadlines_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_cohort_deadlines_course_id_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['quiz_id'], ['quizzes.id'], name=op.f('fk_cohort_deadlines_quiz_id_quizzes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cohort_deadlines'))
    )
    with op.batch_alter_table('cohort_deadlines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cohort_deadlines_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cohort_deadlines_due_at'), ['due_at'], unique=False)
        batch_op.create_index('uq_cohort_deadlines_course', ['cohort_id', 'course_id'], unique=True, sqlite_where=sa.text('quiz_id IS NULL'), postgresql_where=sa.text('quiz_id IS NULL'))
        batch_op.create_index('uq_cohort_deadlines_quiz', ['cohort_id', 'quiz_id'], unique=True, sqlite_where=sa.text('quiz_id IS NOT NULL'), postgresql_where=sa.text('quiz_id IS NOT NULL'))

    op.create_table('cohort_instructors',
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_cohort_instructors_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_cohort_instructors_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('cohort_id', 'user_id', name=op.f('pk_cohort_instructors'))
    )
    with op.batch_alter_table('cohort_instructors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cohort_instructors_user_id'), ['user_id'], unique=False)

    op.create_table('cohort_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('used', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('seats >= 1', name=op.f('ck_cohort_invitations_seats')),
    sa.CheckConstraint('used >= 0 AND used <= seats', name=op.f('ck_cohort_invitations_used')),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_cohort_invitations_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_cohort_invitations_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cohort_invitations')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_cohort_invitations_token_hash'))
    )
    with op.batch_alter_table('cohort_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cohort_invitations_cohort_id'), ['cohort_id'], unique=False)

    op.create_table('cohort_members',
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("source IN ('import', 'link', 'admission', 'staff')", name=op.f('ck_cohort_members_source')),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_cohort_members_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_cohort_members_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('cohort_id', 'user_id', name=op.f('pk_cohort_members'))
    )
    with op.batch_alter_table('cohort_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cohort_members_user_id'), ['user_id'], unique=False)



def downgrade():
    # Instructors become learners again: the narrower constraint could not hold them.
    op.execute("UPDATE users SET role = 'learner' WHERE role = 'instructor'")
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_users_role'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_users_role'), ROLES_BEFORE)
    with op.batch_alter_table('cohort_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cohort_members_user_id'))

    op.drop_table('cohort_members')
    with op.batch_alter_table('cohort_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cohort_invitations_cohort_id'))

    op.drop_table('cohort_invitations')
    with op.batch_alter_table('cohort_instructors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cohort_instructors_user_id'))

    op.drop_table('cohort_instructors')
    with op.batch_alter_table('cohort_deadlines', schema=None) as batch_op:
        batch_op.drop_index('uq_cohort_deadlines_quiz', sqlite_where=sa.text('quiz_id IS NOT NULL'), postgresql_where=sa.text('quiz_id IS NOT NULL'))
        batch_op.drop_index('uq_cohort_deadlines_course', sqlite_where=sa.text('quiz_id IS NULL'), postgresql_where=sa.text('quiz_id IS NULL'))
        batch_op.drop_index(batch_op.f('ix_cohort_deadlines_due_at'))
        batch_op.drop_index(batch_op.f('ix_cohort_deadlines_cohort_id'))

    op.drop_table('cohort_deadlines')
    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cohorts_school_id'))
        batch_op.drop_index(batch_op.f('ix_cohorts_programme_id'))
        batch_op.drop_index(batch_op.f('ix_cohorts_course_id'))

    op.drop_table('cohorts')
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_feeds_user_id'))

    op.drop_table('calendar_feeds')
